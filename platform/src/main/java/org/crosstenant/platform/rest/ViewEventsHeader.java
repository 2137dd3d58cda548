package org.crosstenant.platform.rest;

import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The read-your-writes header between a service and the gateway (docs/api.md, "Read-your-writes"): a service's
 * answer to a state-changing call names the CloudEvents ids (= outbox row ids) of the events the change wrote, and
 * the gateway removes the header and answers once its own Kafka-fed view has passed them. One definition of the
 * name, the bound and the value's form, for the services that write it and the gateway that reads it.
 */
public final class ViewEventsHeader {

    /** {@code Crosstenant-View-Events: <uuid>,<uuid>…} or {@code *}. */
    public static final String NAME = "Crosstenant-View-Events";
    /** Most ids listed; beyond that the value is {@code *} (the gateway then cannot tell and answers {@code false}). */
    public static final int MAX_IDS = 150;
    /** The value for more than {@link #MAX_IDS} events. */
    public static final String TOO_MANY = "*";

    private ViewEventsHeader() {
    }

    /**
     * @param events the ids in the order written; not empty (a call that wrote nothing carries no header)
     * @return the header value: the ids comma-separated without spaces, or {@link #TOO_MANY} above {@link #MAX_IDS}
     * @throws IllegalArgumentException when {@code events} is empty
     */
    public static String value(List<UUID> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a call that wrote no event carries no " + NAME + " header");
        }
        return events.size() > MAX_IDS ? TOO_MANY : events.stream().map(UUID::toString).collect(Collectors.joining(","));
    }
}
