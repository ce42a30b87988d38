{
  // Provider Stake: the ERG collateral of a GPU provider. Named constants: configNftId, heightSlack.
  // Registers: R4 SigmaProp provider, R5 Coll[Byte] listing hash, R6 Int unbonding start height (-1 = bonded).
  // Layout and reasoning: docs/protocol.md (part 2).
  //
  // Context variables of the spending input:
  //   0: Byte action (0 update: top up / new listing hash / start or cancel unbonding, 1 withdraw, 2 slash)
  //   1: Long slash: the amount taken from the stake
  val provider = SELF.R4[SigmaProp].get
  val unbondingStart = SELF.R6[Int].get
  val action = getVar[Byte](0).get

  // The update and slash paths find their outputs at fixed indices (0, 1), so they require this box to be the
  // only stake-script input: two stakes of one provider could otherwise both be "recreated" by one output.
  // (A function, so that the withdraw path, which has no outputs to pair, does not pay for the scan.)
  def stakeInputs(script: Coll[Byte]): Int = INPUTS.filter({ (b: Box) => b.propositionBytes == script }).size

  // This stake again at OUTPUTS(i) for the same provider, holding at least `minValue`.
  def keeps(k: (Int, Long)): Boolean = {
    val out = OUTPUTS(k._1)
    out.propositionBytes == SELF.propositionBytes && out.value >= k._2 && out.R4[SigmaProp].get == provider
  }

  if (action == 0) {
    // The new unbonding start is bonded (-1), unchanged, or now: `heightSlack` lets the transaction wait in the
    // mempool for a few blocks; it can only shorten the wait by that many blocks.
    val out = OUTPUTS(0)
    val newStart = out.R6[Int].get
    provider && sigmaProp(stakeInputs(SELF.propositionBytes) == 1 && keeps((0, SELF.value)) &&
      out.R5[Coll[Byte]].get.size == 32 &&
      (newStart == -1 || newStart == unbondingStart || newStart >= HEIGHT - heightSlack))
  } else {
    val cfgBox = CONTEXT.dataInputs(0)
    val configured = cfgBox.tokens(0)._1 == configNftId
    if (action == 1) {
      val unbondingBlocks = cfgBox.R4[Coll[Long]].get(3)
      provider && sigmaProp(configured && unbondingStart >= 0 &&
        HEIGHT.toLong >= unbondingStart.toLong + unbondingBlocks)
    } else {
      // Slash: the arbiter takes `amount` (at most the stake) to OUTPUTS(0), which records the evidence hash in
      // R4; a partial slash leaves the rest in OUTPUTS(1), the same stake with the same registers.
      val amount = getVar[Long](1).get
      val payout = OUTPUTS(0)
      val rest = SELF.value - amount
      cfgBox.R8[SigmaProp].get && sigmaProp(stakeInputs(SELF.propositionBytes) == 1 && configured &&
        amount > 0L && rest >= 0L && payout.value >= amount && payout.R4[Coll[Byte]].get.size == 32 &&
        (rest == 0L || (keeps((1, rest)) && OUTPUTS(1).R5[Coll[Byte]].get == SELF.R5[Coll[Byte]].get &&
          OUTPUTS(1).R6[Int].get == unbondingStart)))
    }
  }
}
