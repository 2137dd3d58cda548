package org.crosstenant.policy.model;

import java.util.UUID;

/**
 * A consumed CloudEvent: its id (the inbox key), type and, for the types this service acts on, the parsed payload
 * ({@code requested} is null for types it only records).
 */
public record IncomingEvent(UUID id, String type, InvitationRequested requested) {
}
