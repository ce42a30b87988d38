import { HttpError } from "@gpuc/platform/http";

/**
 * The executor API's expected failures. Each becomes problem+json with `type`
 * `urn:gpuc:problem:<kind>` from its class name (`CredentialExpiredError` → `credential-expired`), the same
 * scheme as the marketplace's.
 */
export class CredentialRequiredError extends HttpError {
  constructor() {
    super(401, "Send the rental's credential from the marketplace as `Authorization: Bearer <token>`");
  }
}

export class CredentialExpiredError extends HttpError {
  constructor(readonly expiredAt: Date) {
    super(
      401,
      `The credential expired at ${expiredAt.toISOString()} with the prepaid time; top up the rental on the marketplace for a new one`,
      { expiredAt: expiredAt.toISOString() },
    );
  }
}

export class CredentialInvalidError extends HttpError {
  constructor(claim?: string, reason?: string) {
    super(
      401,
      claim
        ? `The credential's "${claim}" claim is not valid for this executor (${reason})`
        : "The credential is malformed or not signed by the marketplace; use the credential the marketplace issued for this rental",
      claim ? { claim } : {},
    );
  }
}

export class CredentialForAnotherInstanceError extends HttpError {
  constructor(credentialInstance: string, instanceId: string) {
    super(
      403,
      `This credential is for instance ${credentialInstance}, not ${instanceId}; use the credential the marketplace issued for ${instanceId}`,
      { instanceId },
    );
  }
}

export class CredentialForAnotherProviderError extends HttpError {
  constructor() {
    super(403, "This credential was issued for a rental on another provider's executor");
  }
}

export class CredentialLacksScopeError extends HttpError {
  constructor(scope: readonly string[], action: string) {
    super(
      403,
      `This credential allows [${scope.join(", ")}], not "${action}"; ask the marketplace for a credential with the "${action}" scope`,
      { scope, action },
    );
  }
}

export class MarketplaceKeysUnavailableError extends HttpError {
  constructor() {
    super(503, "The executor cannot reach the marketplace's keys to check credentials; try again shortly");
  }
}

export class TooManyCallsError extends HttpError {
  constructor(instanceId: string, limit: number) {
    super(
      429,
      `Instance ${instanceId} already has ${limit} logs streams or commands open; close one and retry`,
      { limit },
    );
  }
}

export class InstanceNotRunningError extends HttpError {
  constructor(instanceId: string) {
    super(409, `Instance ${instanceId} is not running; commands run only while the instance runs`);
  }
}

export class InstanceNotHereError extends HttpError {
  constructor(instanceId: string) {
    super(404, `Instance ${instanceId} does not run on this executor`);
  }
}

export class InstanceAlreadyEndedError extends HttpError {
  constructor(instanceId: string) {
    super(409, `Instance ${instanceId} has already ended`);
  }
}

/** The pre-check's answer when this executor would not run the rental (`reason` says why, for the consumer). */
export class RentalRefusedError extends HttpError {
  constructor(readonly reason: string) {
    super(422, `This executor would refuse the rental: ${reason}`, { reason });
  }
}
