{
  // GPUC Bank box (singleton, tokens(0) = Bank NFT): the unissued GPUC and the stable-token reserve.
  // GPUC leaves or enters only (a) against Credit Account debt changes in the same transaction, or (b) by a
  // swap of one whitelisted stable token at the Config rate minus the swap fee. The Bank is always INPUTS(0)
  // and its successor OUTPUTS(0); Credit Account input i pairs with output i.
  val out = OUTPUTS(0)

  // (box, token id) => amount of that token in the box
  val amountOf = { (a: (Box, Coll[Byte])) =>
    a._1.tokens.fold(0L, { (acc: Long, t: (Coll[Byte], Long)) => if (t._1 == a._2) acc + t._2 else acc })
  }
  val isCredit = { (box: Box) => blake2b256(box.propositionBytes) == creditScriptHash }
  val debtOf = { (box: Box) => if (isCredit(box)) box.R5[Long].get else 0L }

  // A Credit Account output may carry debt only as the successor of a Credit Account input at the same index
  // (whose own script checked its collateral); a freshly created account starts with zero debt. Past the last
  // input, INPUTS(i) fails the script outright, which refuses the transaction as surely as `false`.
  val paired = OUTPUTS.indices.forall { (i: Int) =>
    val box = OUTPUTS(i)
    isCredit(box) == false || box.R5[Long].get == 0L || isCredit(INPUTS(i))
  }
  val debtDelta = OUTPUTS.fold(0L, { (acc: Long, b: Box) => acc + debtOf(b) }) -
    INPUTS.fold(0L, { (acc: Long, b: Box) => acc + debtOf(b) })

  // GPUC that left the Bank beyond what the debt changes account for: issued by a swap (negative: redeemed).
  val gpucLeaving = amountOf((SELF, gpucTokenId)) - amountOf((out, gpucTokenId))
  val swapIssued = gpucLeaving - debtDelta

  // (box, token id x) => the box's tokens except GPUC and x, in order
  val otherTokens = { (a: (Box, Coll[Byte])) =>
    a._1.tokens.filter { (t: (Coll[Byte], Long)) => t._1 != gpucTokenId && t._1 != a._2 }
  }

  val swapIndex = getVar[Int](0)
  val exchange = if (swapIndex.isDefined) {
    val config = CONTEXT.dataInputs(0)
    val entry = config.R6[Coll[(Coll[Byte], Long)]].get(swapIndex.get)
    val x = entry._1
    val rate = entry._2.toBigInt
    val keep = (10000L - config.R4[Coll[Long]].get(6)).toBigInt
    val xIn = amountOf((out, x)) - amountOf((SELF, x))
    // Swap in: GPUC out <= X in * rate * (1 - fee). Swap out: X out <= GPUC in / rate * (1 - fee).
    val fair = if (xIn >= 0L) {
      swapIssued >= 0L && swapIssued.toBigInt * 10000L.toBigInt <= xIn.toBigInt * rate * keep
    } else {
      (-xIn).toBigInt * rate * 10000L.toBigInt <= (-swapIssued).toBigInt * keep
    }
    config.tokens(0)._1 == configNftId && fair && otherTokens((out, x)) == otherTokens((SELF, x))
  } else {
    swapIssued == 0L && otherTokens((out, gpucTokenId)) == otherTokens((SELF, gpucTokenId))
  }

  sigmaProp(
    out.propositionBytes == SELF.propositionBytes &&
    out.value >= SELF.value &&
    paired &&
    exchange
  )
}
