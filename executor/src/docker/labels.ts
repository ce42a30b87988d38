/** Labels the executor puts on every rental container; how it finds its containers again after a restart. */
export const LABELS = {
  managedBy: "gpuc.managed-by",
  instance: "gpuc.instance",
  provider: "gpuc.provider",
  escrow: "gpuc.escrow",
  startHeight: "gpuc.start-height",
  hours: "gpuc.hours",
  pricePerHour: "gpuc.price-per-hour",
} as const;

export const MANAGED_BY = "gpuc-executor";

/** Image label by which an image declares it needs a writable root filesystem (`gpuc.rootfs=writable`). */
export const WRITABLE_ROOTFS_LABEL = "gpuc.rootfs";
