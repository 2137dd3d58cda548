package org.crosstenant.audit.messaging;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.crosstenant.audit.model.IncomingEvent;
import org.crosstenant.platform.messaging.MalformedUtf8Exception;
import org.crosstenant.platform.messaging.StrictUtf8;

/**
 * Reads a consumed Kafka record as a CloudEvent in Kafka <em>binary</em> content mode (CloudEvents 1.0, Kafka protocol
 * binding §3.2) — the mode every producer of this suite uses — and refuses anything else. The connector's own
 * CloudEvents parsing is switched off ({@code cloud-events=false}) because it fails fatally on structured-mode
 * garbage; this class is the whole check.
 * <p>
 * In: the record's topic, key, value and headers. Out: the {@link IncomingEvent} (id, type, payload). Every
 * violation is a {@link PoisonEventException} whose message is the dead-letter reason:
 * <ul>
 * <li>a structured-mode record ({@code content-type: application/cloudevents...}), whatever its value;</li>
 * <li>a null key (our topics are keyed by aggregate) or a null value;</li>
 * <li>a key, value or header value that is not UTF-8 (RFC 3629; the Kafka binding's headers are UTF-8 strings): the
 * key and value are refused by the channel's strict deserializer and arrive null with SmallRye's
 * {@code deserialization-failure-reason}, which becomes the dead-letter reason;</li>
 * <li>{@code ce_specversion} missing or not {@code 1.0};</li>
 * <li>{@code ce_id} missing or not a UUID in the canonical 36-character hex form (the producers' ids are UUIDs; the inbox is keyed by them);</li>
 * <li>{@code ce_source}, {@code ce_type} or {@code ce_subject} longer than 255 characters;</li>
 * <li>{@code ce_source} or {@code ce_type} missing or blank; {@code ce_time} present but not an RFC 3339 time;</li>
 * <li>{@code content-type} present but not JSON;</li>
 * <li>{@code ce_datacontenttype} present but not JSON (SmallRye's Kafka connector writes it beside content-type);</li>
 * <li>a {@code ce_*} header whose attribute name is not a CloudEvents 1.0 name ({@code [a-z0-9]{1,20}}); extension
 * attributes with valid names are accepted, as the specification requires of consumers.</li>
 * </ul>
 * Whether the type is one we audit, and whether the payload is valid, is the translator's decision.
 */
public final class CloudEventEnvelope {

    /** CloudEvents 1.0 attribute names (context attributes and extensions): lower-case letters and digits, at most 20. */
    static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]{1,20}");

    private CloudEventEnvelope() {
    }

    /**
     * @param topic the record's topic (kept in the event for logs)
     * @param key the record's key, null if it has none
     * @param value the record's value, null for a tombstone
     * @param headers the record's headers
     * @return the event's envelope and payload
     * @throws PoisonEventException when the record is not a valid binary-mode CloudEvent 1.0
     */
    public static IncomingEvent read(String topic, String key, String value, Headers headers) {
        if (key == null || value == null) {
            // a key or value that is not UTF-8 arrives null with SmallRye's failure headers (StrictUtf8FailureHandler)
            String failure = StrictUtf8.deserializationFailure(headers);
            if (failure != null) {
                throw new PoisonEventException(failure);
            }
        }
        String contentType = header(headers, "content-type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
            throw new PoisonEventException("structured-mode CloudEvent (content-type " + Echo.of(contentType)
                    + "): only binary mode is accepted");
        }
        for (Header header : headers) {
            String name = header.key();
            if (name != null && name.startsWith("ce_") && !ATTRIBUTE_NAME.matcher(name.substring(3)).matches()) {
                throw new PoisonEventException("CloudEvents attribute header with an invalid name " + Echo.of(name)
                        + " (CloudEvents 1.0 names are [a-z0-9]{1,20})");
            }
        }
        String declaredType = header(headers, "ce_datacontenttype");
        if (declaredType != null && !declaredType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new PoisonEventException("ce_datacontenttype " + Echo.of(declaredType) + " is not application/json");
        }
        String specVersion = header(headers, "ce_specversion");
        if (specVersion == null) {
            throw new PoisonEventException("ce_specversion header is missing");
        }
        if (!"1.0".equals(specVersion)) {
            throw new PoisonEventException("unsupported ce_specversion " + Echo.of(specVersion) + " (only 1.0)");
        }
        String id = required(headers, "ce_id");
        if (!Echo.isCanonicalUuid(id)) {
            // UUID.fromString also reads "1-1-1-1-1": two different ce_id texts must not name one inbox row
            throw new PoisonEventException("ce_id is not a UUID in the canonical 36-character form: " + Echo.of(id));
        }
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new PoisonEventException("ce_id is not a UUID: " + Echo.of(id), e);
        }
        bounded("ce_source", required(headers, "ce_source"));
        String type = bounded("ce_type", required(headers, "ce_type"));
        String subject = header(headers, "ce_subject");
        if (subject != null) {
            bounded("ce_subject", subject);
        }
        String time = header(headers, "ce_time");
        if (time != null) {
            try {
                OffsetDateTime.parse(time);
            } catch (DateTimeParseException e) {
                throw new PoisonEventException("ce_time is not an RFC 3339 time: " + Echo.of(time), e);
            }
        }
        if (contentType != null && !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new PoisonEventException("content-type " + Echo.of(contentType) + " is not application/json");
        }
        if (key == null) {
            throw new PoisonEventException("record has no key (" + type + " " + id + ")");
        }
        if (value == null) {
            throw new PoisonEventException("record has no value (" + type + " " + id + ")");
        }
        return new IncomingEvent(topic, uuid, type, value);
    }

    /** The most characters of ce_source, ce_type and ce_subject, as every other consumer of the suite accepts. */
    static final int MAX_ATTRIBUTE_LENGTH = 255;

    private static String bounded(String name, String value) {
        if (value.length() > MAX_ATTRIBUTE_LENGTH) {
            throw new PoisonEventException(name + " is longer than " + MAX_ATTRIBUTE_LENGTH + " characters: "
                    + Echo.of(value));
        }
        return value;
    }

    private static String required(Headers headers, String name) {
        String value = header(headers, name);
        if (value == null || value.isBlank()) {
            throw new PoisonEventException(name + " header is missing or blank");
        }
        return value;
    }

    /**
     * The last value of a header as UTF-8 text, decoded strictly; null when absent or without value.
     *
     * @throws PoisonEventException if the value is not UTF-8 (replacing the bytes with U+FFFD could make two ce_ids one)
     */
    static String header(Headers headers, String name) {
        try {
            return StrictUtf8.header(headers, name);
        } catch (MalformedUtf8Exception e) {
            throw new PoisonEventException(e.getMessage(), e);
        }
    }
}
