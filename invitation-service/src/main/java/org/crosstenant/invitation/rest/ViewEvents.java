package org.crosstenant.invitation.rest;

import java.util.List;

import org.crosstenant.platform.rest.ViewEventsHeader;

import java.util.UUID;

import jakarta.ws.rs.core.Response;

/**
 * The read-your-writes header of issue #8 (design item 3): a response to a state-changing call names the CloudEvent
 * ids (= outbox row ids) of the events the change produced on {@code invitations.events}, so that the gateway answers
 * only once its own Kafka-fed view has passed them (it removes the header and sets {@code Crosstenant-Enforced}).
 * The value is a comma-separated list of UUIDs (at most 150; this service names one per call).
 */
final class ViewEvents {

    /** {@code Crosstenant-View-Events: <uuid>[,<uuid>…]}. */
    static final String HEADER = ViewEventsHeader.NAME;

    private ViewEvents() {
    }

    /**
     * A 200 answer carrying the body and the header naming the change's event.
     *
     * @param body    the response entity
     * @param eventId the outbox row id of the event the change wrote
     * @return the response
     */
    static Response ok(Object body, UUID eventId) {
        return Response.ok(body).header(HEADER, ViewEventsHeader.value(List.of(eventId))).build();
    }
}
