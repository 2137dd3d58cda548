package org.crosstenant.platform.messaging;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The key and value deserializer of every incoming channel: bytes in, a String out, decoded by {@link StrictUtf8}
 * (RFC 3629). Bytes that are not UTF-8 are refused with Kafka's {@link SerializationException} naming the topic and the
 * byte offset, where Kafka's {@code StringDeserializer} would have replaced them with U+FFFD. A null key or value
 * (a tombstone, a record without key) stays null. With the channel's
 * {@code key-deserialization-failure-handler}/{@code value-deserialization-failure-handler} set to
 * {@link StrictUtf8FailureHandler#IDENTIFIER}, the record then reaches the consumer with a null key or value and
 * SmallRye's {@code deserialization-failure-*} headers, and the consumer dead-letters it.
 */
public class StrictUtf8Deserializer implements Deserializer<String> {

    /**
     * @param topic the record's topic, named in the failure
     * @param data  the key or value bytes; null gives null
     * @return the decoded string
     * @throws SerializationException if {@code data} is not UTF-8
     */
    @Override
    public String deserialize(String topic, byte[] data) {
        try {
            return StrictUtf8.decode(data);
        } catch (MalformedUtf8Exception e) {
            throw new SerializationException(e.getMessage() + " (topic " + topic + ")", e);
        }
    }
}
