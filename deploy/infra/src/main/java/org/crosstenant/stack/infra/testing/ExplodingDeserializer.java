package org.crosstenant.stack.infra.testing;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A String deserializer that fails on values starting with {@link #TRIGGER} (UTF-8) with a
 * {@link SerializationException}; any other value, and null, is returned as {@link StringDeserializer} would. With
 * {@code fail-on-deserialization-failure=true} SmallRye then closes the channel's consumer for good, which is how a
 * test stops a consumer on purpose to see readiness turn DOWN.
 */
public class ExplodingDeserializer extends StringDeserializer {

    public static final String TRIGGER = "EXPLODE";

    @Override
    public String deserialize(String topic, byte[] data) {
        String value = super.deserialize(topic, data);
        if (value != null && value.startsWith(TRIGGER)) {
            throw new SerializationException("test deserializer refuses " + value);
        }
        return value;
    }
}
