package org.crosstenant.audit.model;

import java.util.UUID;

/** The CloudEvent envelope fields we need from a consumed message, plus its raw JSON payload. */
public record IncomingEvent(String topic, UUID id, String type, String payload) {
}
