package org.crosstenant.policy.rest;

import org.crosstenant.platform.rest.ViewEventsHeader;

import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.UUID;

/**
 * The read-your-writes header of issue #8 (team design item 3): a response to a state-changing call names the
 * CloudEvents ids (= outbox row ids) of the events it wrote on {@code policy.events}, so that the gateway can answer
 * only once its own view has passed them. The gateway removes the header before the response leaves.
 */
public final class ViewEvents {

    /** {@code Crosstenant-View-Events: <uuid>,<uuid>…} */
    public static final String HEADER = ViewEventsHeader.NAME;
    /** Most ids listed; beyond that the value is {@code *} (the gateway then does not wait for certain). */
    public static final int MAX_IDS = ViewEventsHeader.MAX_IDS;

    private ViewEvents() {
    }

    /**
     * @param builder the response being built
     * @param events  outbox row ids written on policy.events by the call, in the order written; nothing is added when
     *                empty (a call that changed nothing)
     * @return the builder
     */
    public static <T> RestResponse.ResponseBuilder<T> add(RestResponse.ResponseBuilder<T> builder, List<UUID> events) {
        if (events.isEmpty()) {
            return builder;
        }
        return builder.header(HEADER, ViewEventsHeader.value(events));
    }
}
