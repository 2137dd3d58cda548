package org.crosstenant.gateway.support;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A String deserializer that fails on values starting with {@link #TRIGGER}: with
 * {@code fail-on-deserialization-failure=true} SmallRye then closes the channel's consumer for good, which is how
 * a test stops a view consumer on purpose.
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
