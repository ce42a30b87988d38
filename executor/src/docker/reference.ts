// Docker's image reference grammar (distribution/reference): `[domain[:port]/]path[:tag][@digest]`, path
// components in lower case. An image name outside it must never reach the Engine API: the name is part of the
// request path (`/images/<name>/json`), and one like `/x`, `..` or `http://x` got a 301 whose redirect
// docker-modem followed to the host `images`, an unhandled error that crashed the executor (found by the fuzz).
const COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
const MAX_NAME = 255;

/**
 * Whether `image` is a well-formed Docker image reference (Docker may still refuse an upper-case first path
 * component that is not a domain; that comes back as its 400).
 *
 * @example
 * isImageReference("ghcr.io/acme/train:v1"); // true
 * isImageReference("/x"); // false
 */
export function isImageReference(image: string): boolean {
  return image.split(/[:@]/)[0]!.length <= MAX_NAME && REFERENCE.test(image);
}
