{
  // GPUC Config box (singleton, holds the Config NFT). Every other contract reads it as a data input.
  // R4 Coll[Long] parameters, R5 Long price (nanoERG per 1 GPUC), R6 Coll[(Coll[Byte], Long)] stable whitelist,
  // R7 SigmaProp admin, R8 SigmaProp arbiter, R9 Coll[Byte] treasury proposition bytes.
  // The successor is always OUTPUTS(0): a config update is a transaction of its own.
  val out = OUTPUTS(0)

  // The NFT (and nothing else) and the script stay; ERG may only grow, so the box never falls under min value.
  val preserved = out.propositionBytes == SELF.propositionBytes &&
    out.tokens == SELF.tokens &&
    out.value >= SELF.value

  // The admin may change anything, but never leave a Config that no contract (or admin) could read again.
  // Each register is used at its type (not just `isDefined`): an interpreter that does not check register
  // types on access (sigma-rust) then fails the same way the node's does.
  val wellFormed = out.R4[Coll[Long]].get.size >= minParams &&
    out.R5[Long].get > 0L &&
    out.R6[Coll[(Coll[Byte], Long)]].get.forall { (e: (Coll[Byte], Long)) => e._1.size == 32 && e._2 > 0L } &&
    out.R7[SigmaProp].get.propBytes.size > 0 &&
    out.R8[SigmaProp].get.propBytes.size > 0 &&
    out.R9[Coll[Byte]].get.size > 0

  // The arbiter (oracle) may move the price only.
  val priceOnly = out.R5[Long].get > 0L &&
    out.R4[Coll[Long]].get == SELF.R4[Coll[Long]].get &&
    out.R6[Coll[(Coll[Byte], Long)]].get == SELF.R6[Coll[(Coll[Byte], Long)]].get &&
    out.R7[SigmaProp].get.propBytes == SELF.R7[SigmaProp].get.propBytes &&
    out.R8[SigmaProp].get.propBytes == SELF.R8[SigmaProp].get.propBytes &&
    out.R9[Coll[Byte]].get == SELF.R9[Coll[Byte]].get

  val admin = SELF.R7[SigmaProp].get
  val arbiter = SELF.R8[SigmaProp].get
  sigmaProp(preserved) && ((admin && sigmaProp(wellFormed)) || (arbiter && sigmaProp(priceOnly)))
}
