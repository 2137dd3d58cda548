package org.crosstenant.policy.messaging;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.crosstenant.platform.messaging.MalformedUtf8Exception;
import org.crosstenant.platform.messaging.StrictUtf8;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The context attributes of a CloudEvents 1.0 record in Kafka binary content mode (CloudEvents Kafka protocol
 * binding 1.0, section 3.2: {@code ce_*} headers, the value is the data), read and validated by our own code so
 * that a malformed record becomes a dead letter with a reason instead of stopping the channel.
 * <p>
 * Refused ({@link PoisonMessageException}, the message is the dead-letter reason): structured content mode
 * ({@code content-type: application/cloudevents...}: we accept binary mode only, which is what our producers write);
 * a missing or blank required attribute ({@code ce_specversion}, {@code ce_id}, {@code ce_source}, {@code ce_type});
 * {@code ce_specversion} other than {@code 1.0}; a {@code ce_time} that is not an RFC 3339 timestamp; a
 * {@code content-type} (datacontenttype) other than JSON; a {@code ce_} header whose name is not a valid attribute
 * name (lower-case letters and digits, CloudEvents 1.0 section 3.1.1); a header value that is not UTF-8 (RFC 3629;
 * the Kafka binding's headers are UTF-8 strings), decoded strictly by {@link StrictUtf8} instead of being repaired. Well-formed extension attributes are ignored,
 * as the specification asks of consumers that do not know them.
 *
 * @param id     {@code ce_id}
 * @param source {@code ce_source}
 * @param type   {@code ce_type}
 */
public record BinaryCloudEvent(String id, String source, String type) {

    static final String PREFIX = "ce_";
    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]{1,20}");

    /**
     * @param headers the record's headers (null is treated as none)
     * @return the validated required attributes
     * @throws PoisonMessageException naming the first problem found
     */
    public static BinaryCloudEvent read(Headers headers) {
        String contentType = header(headers, "content-type");
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
            throw new PoisonMessageException("structured-mode CloudEvent (content-type " + Echo.of(contentType)
                    + ") refused: this consumer accepts binary mode only");
        }
        if (headers != null) {
            for (Header header : headers) {
                String key = header.key();
                if (key.startsWith(PREFIX) && !ATTRIBUTE_NAME.matcher(key.substring(PREFIX.length())).matches()) {
                    throw new PoisonMessageException("header " + Echo.of(key) + " is not a valid CloudEvents attribute name");
                }
            }
        }
        String specVersion = required(headers, "specversion");
        if (!"1.0".equals(specVersion)) {
            throw new PoisonMessageException("ce_specversion " + Echo.of(specVersion) + " is not supported (only 1.0)");
        }
        String id = required(headers, "id");
        String source = required(headers, "source");
        String type = required(headers, "type");
        bounded("source", source);
        bounded("type", type);
        String subject = header(headers, PREFIX + "subject");
        if (subject != null) {
            bounded("subject", subject);
        }
        String time = header(headers, PREFIX + "time");
        if (time != null) {
            try {
                OffsetDateTime.parse(time);
            } catch (DateTimeParseException e) {
                throw new PoisonMessageException("ce_time is not an RFC 3339 timestamp: " + Echo.of(time));
            }
        }
        if (contentType != null && !isJson(contentType)) {
            throw new PoisonMessageException("content-type " + Echo.of(contentType) + " is not JSON");
        }
        return new BinaryCloudEvent(id, source, type);
    }

    /** The most characters of ce_source, ce_type and ce_subject: the inbox's {@code type varchar(255)}. */
    static final int MAX_ATTRIBUTE_LENGTH = 255;

    private static void bounded(String attribute, String value) {
        if (value.length() > MAX_ATTRIBUTE_LENGTH) {
            throw new PoisonMessageException("ce_" + attribute + " is longer than " + MAX_ATTRIBUTE_LENGTH
                    + " characters: " + Echo.of(value));
        }
    }

    private static boolean isJson(String contentType) {
        String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json") || media.endsWith("+json");
    }

    private static String required(Headers headers, String attribute) {
        String value = header(headers, PREFIX + attribute);
        if (value == null || value.isBlank()) {
            throw new PoisonMessageException("required CloudEvents attribute ce_" + attribute + " is missing");
        }
        return value;
    }

    static String header(Headers headers, String name) {
        if (headers == null) {
            return null;
        }
        try {
            return StrictUtf8.header(headers, name);
        } catch (MalformedUtf8Exception e) {
            // replacing the bytes with U+FFFD could turn two ce_ids into one (the inbox would drop an event)
            throw new PoisonMessageException(e.getMessage(), e);
        }
    }
}
