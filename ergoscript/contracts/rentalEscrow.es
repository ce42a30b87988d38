{
  // Rental Escrow: GPUC prepaid by a consumer for one rental, paid out to the provider hour by hour.
  // Named constants: configNftId, gpucTokenId. Layout and reasoning: docs/protocol.md (part 2).
  //
  // Context variables of the spending input:
  //   0: Byte  action (0 claim, 1 extend, 2 cooperative close, 3 consumer exit, 4 arbiter resolve, 5 expiry,
  //            6 provider close)
  //   1: Int   index of this escrow's first output; its outputs follow in the order
  //            provider payout, treasury fee, consumer refund, recreated escrow (each only when non-zero)
  //   2: Long  claim/extend: hours; cooperative close/resolve/provider close: the provider's gross share (GPUC units)
  //
  // Every payout output carries this escrow's box id in R4 and the recreated escrow carries it in R8, so two
  // escrows spent in one transaction can never count the same output (duplicate escrows included).
  val cfgBox = CONTEXT.dataInputs(0)
  val cfg = cfgBox.R4[Coll[Long]].get
  val feeBps = cfg(0)
  val blocksPerHour = cfg(1)
  val treasury = cfgBox.R9[Coll[Byte]].get

  val consumer = SELF.R4[SigmaProp].get
  val provider = SELF.R5[SigmaProp].get
  val terms = SELF.R6[Coll[Long]].get
  val price = terms(0)
  val start = terms(1)
  val prepaid = terms(2)
  val paid = terms(3)
  val held = SELF.tokens(0)._2

  val action = getVar[Byte](0).get
  val base = getVar[Int](1).get
  val sinceStart = HEIGHT.toLong - start

  // GPUC `amount` to `prop` in OUTPUTS(i), tagged with this escrow's id.
  // (ErgoScript v5 lambdas take one argument, hence the tuples.)
  def pays(p: (Int, (Coll[Byte], Long))): Boolean = {
    val out = OUTPUTS(p._1)
    out.propositionBytes == p._2._1 && out.tokens(0)._1 == gpucTokenId && out.tokens(0)._2 >= p._2._2 &&
      out.R4[Coll[Byte]].get == SELF.id
  }

  // This escrow again at OUTPUTS(i): same script, value, parties and rental id; exactly `amount` GPUC; new terms.
  def recreated(r: (Int, (Long, Coll[Long]))): Boolean = {
    val out = OUTPUTS(r._1)
    out.propositionBytes == SELF.propositionBytes && out.value >= SELF.value &&
      out.tokens.size == 1 && out.tokens(0)._1 == gpucTokenId && out.tokens(0)._2 == r._2._1 &&
      out.R4[SigmaProp].get == consumer && out.R5[SigmaProp].get == provider &&
      out.R6[Coll[Long]].get == r._2._2 && out.R7[Coll[Byte]].get == SELF.R7[Coll[Byte]].get &&
      out.R8[Coll[Byte]].get == SELF.id
  }

  // Pays `gross` to the provider (less the protocol fee, which goes to the treasury), `refund` to the consumer,
  // and keeps `rest` in a recreated escrow with `newTerms`. Every caller derives `refund` or `rest` as `held - gross`
  // (the other is 0), so the three add up to what the escrow holds by construction; a claim never refunds and a
  // closing path never recreates, so the recreated escrow sits where a refund would. A negative `rest` needs no
  // guard: no output holds a negative amount of GPUC.
  def settles(s: ((Long, Long), (Long, Coll[Long]))): Boolean = {
    val gross = s._1._1
    val refund = s._1._2
    val rest = s._2._1
    val fee = gross * feeBps / 10000L
    val net = gross - fee
    val feeAt = if (net > 0L) base + 1 else base
    val refundAt = if (fee > 0L) feeAt + 1 else feeAt
    gross >= 0L && refund >= 0L &&
      (net == 0L || pays((base, (provider.propBytes, net)))) &&
      (fee == 0L || pays((feeAt, (treasury, fee)))) &&
      (refund == 0L || pays((refundAt, (consumer.propBytes, refund)))) &&
      (rest == 0L || recreated((refundAt, (rest, s._2._2))))
  }

  val configured = cfgBox.tokens(0)._1 == configNftId

  if (action == 0) {
    // Claim k elapsed, unpaid, prepaid hours.
    val k = getVar[Long](2).get
    val gross = k * price
    val newTerms = Coll(price, start, prepaid, paid + k)
    provider && sigmaProp(configured && k > 0L && paid + k <= sinceStart / blocksPerHour &&
      paid + k <= prepaid && settles(((gross, 0L), (held - gross, newTerms))))
  } else if (action == 1) {
    // Extend by k hours: only the recreated escrow, holding k hours more.
    val k = getVar[Long](2).get
    consumer && sigmaProp(k > 0L && recreated((base, (held + k * price, Coll(price, start, prepaid + k, paid)))))
  } else if (action == 2) {
    val gross = getVar[Long](2).get
    (consumer && provider) && sigmaProp(configured && settles(((gross, held - gross), (0L, terms))))
  } else if (action == 3) {
    // Consumer exit: the provider is owed every started hour not yet paid, within what was prepaid.
    val started = max(0L, (sinceStart + blocksPerHour - 1L) / blocksPerHour)
    val owed = max(0L, min(started, prepaid) - paid)
    val gross = min(owed * price, held)
    consumer && sigmaProp(configured && settles(((gross, held - gross), (0L, terms))))
  } else if (action == 4) {
    val gross = getVar[Long](2).get
    cfgBox.R8[SigmaProp].get && sigmaProp(configured && settles(((gross, held - gross), (0L, terms))))
  } else if (action == 6) {
    // Provider close: the provider alone settles the last partial hour (an executor has no consumer signature).
    // It may take at most the blocks the chain saw elapse, pro rata (floor), within the prepaid time, less what
    // was paid: never more than consumer exit (ceil of started hours) would give it.
    val gross = getVar[Long](2).get
    val cap = price * min(sinceStart, prepaid * blocksPerHour) / blocksPerHour - paid * price
    provider && sigmaProp(configured && gross <= cap && settles(((gross, held - gross), (0L, terms))))
  } else {
    // Expiry: anyone, once the prepaid time and the dispute grace have passed.
    val ends = start + prepaid * blocksPerHour + cfg(7)
    val gross = min(max(0L, prepaid - paid) * price, held)
    sigmaProp(configured && HEIGHT.toLong >= ends && settles(((gross, held - gross), (0L, terms))))
  }
}
