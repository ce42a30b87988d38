export { DevnetBadRequestError } from "./badRequest.ts";
export { DevnetError } from "./devnetError.ts";
export { DevnetNotFoundError } from "./notFound.ts";
export { DevnetRejectedError } from "./rejected.ts";
export { DevnetRollbackError } from "./rollback.ts";
export { DevnetStoppedError } from "./stopped.ts";
