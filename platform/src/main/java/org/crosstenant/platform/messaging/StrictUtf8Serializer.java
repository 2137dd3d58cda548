package org.crosstenant.platform.messaging;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The mirror of {@link StrictUtf8Deserializer}: SmallRye's dead-letter queue picks a channel's dead-letter serializer
 * by replacing {@code Deserializer} with {@code Serializer} in the deserializer's class name, so this class must exist
 * for {@code failure-strategy=dead-letter-queue} to start. It encodes a String as UTF-8 (RFC 3629) and refuses a
 * string with an unpaired surrogate (which has no UTF-8 form) instead of writing {@code ?} for it. For a record whose
 * key or value failed to deserialize, SmallRye's dead-letter path writes the original bytes instead (from the
 * {@code deserialization-failure-data} header), not this serializer's output.
 */
public class StrictUtf8Serializer implements Serializer<String> {

    /**
     * @param topic the destination topic, named in the failure
     * @param data  the string; null gives null
     * @return its UTF-8 bytes
     * @throws SerializationException if {@code data} holds an unpaired surrogate
     */
    @Override
    public byte[] serialize(String topic, String data) {
        if (data == null) {
            return null;
        }
        try {
            var encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(data));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new SerializationException("string has no UTF-8 form (unpaired surrogate) (topic " + topic + ")", e);
        }
    }
}
