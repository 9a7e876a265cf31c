/**
 * Veriff's JSON on the wire (providers/veriff.md). Only what the gateway reads or writes is typed; everything the
 * provider sends is treated as untrusted until map.ts has checked it.
 */

/** POST /v1/validate-registry. Every value is a string; `address` sits beside `person`, not inside it. */
export interface VeriffRegistryRequestBody {
  verification: {
    callback?: string;
    person: {
      idNumber: string;
      fullName?: string;
      firstName?: string;
      lastName?: string;
      /** YYYY-MM-DD */
      dateOfBirth?: string;
      phoneNumber?: string;
    };
    address?: VeriffAddress;
    /** At most 1000 characters. */
    vendorData?: string;
    /** A UUID. */
    endUserId?: string;
  };
}

export interface VeriffAddress {
  fullAddress?: string;
  street?: string;
  houseNumber?: string;
  postcode?: string;
  city?: string;
  state?: string;
  unit?: string;
}

/**
 * The decision envelope: the sync endpoint's 200 body and the decision webhook's body are the same shape.
 * `verification` is null while no decision exists yet.
 */
export interface VeriffDecisionEnvelope {
  status: string;
  verification: VeriffDecisionVerification | null;
  technicalData?: { ip: string | null } | null;
}

export interface VeriffDecisionVerification {
  id: string;
  /** 9001 approved, 9102 declined, 9103 resubmission_requested, 9104 expired/abandoned, 9121 review. */
  code: number | null;
  status: string | null;
  /** Echoes the ID number: map.ts never reads `person.idNumber`. */
  person: VeriffDecisionPerson | null;
  reason: string | null;
  reasonCode: number | null;
  document?: Record<string, unknown> | null;
  vendorData: string | null;
  endUserId: string | null;
  decisionTime: string | null;
  acceptanceTime: string | null;
  additionalVerifiedData?: { failedValidation?: unknown } | null;
}

export interface VeriffDecisionPerson {
  firstName: string | null;
  lastName: string | null;
  idNumber?: string | null;
  dateOfBirth: string | null;
  yearOfBirth: string | null;
  placeOfBirth: string | null;
  addresses: { fullAddress: string | null }[] | null;
}

/** Every error: 400 code 1102 (missing field), 401 codes 18xx (auth and signature). */
export interface VeriffErrorBody {
  status: 'failed';
  code: string;
  message: string;
}
