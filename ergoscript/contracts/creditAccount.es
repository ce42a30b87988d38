{
  // GPUC Credit Account (LETS credit line): ERG collateral, R4 SigmaProp owner, R5 Long debt (GPUC units).
  // Collateral value in GPUC units = collateral * 10^6 / price, price = Config R5 (nanoERG per 1 GPUC), so
  // "collateral covers debt * pct / 100" is collateral * 10^8 >= debt * pct * price, in BigInt (no overflow).
  val selfIndex = INPUTS.indexOf(SELF, 0)
  val debt = SELF.R5[Long].get
  val owner = SELF.R4[SigmaProp].get

  val config = CONTEXT.dataInputs(0)
  val validConfig = config.tokens(0)._1 == configNftId
  val params = config.R4[Coll[Long]].get
  val price = config.R5[Long].get.toBigInt
  // (collateral, (debt, pct)) => collateral covers debt * pct / 100 at the Config price
  val covers = { (a: (Long, (Long, Long))) =>
    a._1.toBigInt * 100000000L.toBigInt >= a._2._1.toBigInt * a._2._2.toBigInt * price
  }
  // Debt may only change with the Bank in the transaction: its script makes GPUC moved = debt moved.
  val bankPresent = INPUTS(0).tokens.size > 0 && INPUTS(0).tokens(0)._1 == bankNftId

  // Output i continues input i; every other path must leave no Credit Account there (the Bank relies on it).
  // Every path reads OUTPUTS(selfIndex) (the successor or the treasury's share), so an account spent with no
  // output at its index fails the script: no bounds check is needed.
  val hasSuccessor = OUTPUTS(selfIndex).propositionBytes == SELF.propositionBytes

  if (hasSuccessor) {
    val out = OUTPUTS(selfIndex)
    val newDebt = out.R5[Long].get
    // Repaying or adding collateral never makes an account worse, so it is allowed even when under water.
    val improving = newDebt <= debt && out.value >= SELF.value
    // A box created with negative debt (nothing runs at creation) must not turn into free GPUC when "repaid" to 0.
    owner && sigmaProp(
      out.R4[SigmaProp].get.propBytes == owner.propBytes &&
      debt >= 0L &&
      newDebt >= 0L &&
      (newDebt == debt || bankPresent) &&
      (improving || (validConfig && covers((out.value, (newDebt, params(4))))))
    )
  } else {
    // Liquidation: anyone, when under the liquidation ratio; the Bank takes the whole debt back (debt delta =
    // -debt) and the treasury gets the penalty share of the collateral at OUTPUTS(selfIndex).
    val treasuryOut = OUTPUTS(selfIndex)
    val penalty = SELF.value / 10000L * params(8)
    val liquidate = bankPresent && validConfig && (covers((SELF.value, (debt, params(5)))) == false) &&
      treasuryOut.propositionBytes == config.R9[Coll[Byte]].get && treasuryOut.value >= penalty
    // Closing: the owner takes the collateral back once nothing is owed.
    (owner && sigmaProp(debt == 0L)) || sigmaProp(liquidate)
  }
}
