package org.crosstenant.invitation.rest;

/** Body of POST /api/v1/invitations/{id}/redeem. */
public record RedeemRequest(String code) {
}
