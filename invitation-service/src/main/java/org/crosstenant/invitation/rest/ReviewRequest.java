package org.crosstenant.invitation.rest;

/** Optional body of POST /api/v1/invitations/{id}/approve and /decline: the admin's reason (≤ 1024 characters). */
public record ReviewRequest(String reason) {
}
