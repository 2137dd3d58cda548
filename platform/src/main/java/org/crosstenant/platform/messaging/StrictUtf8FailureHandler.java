package org.crosstenant.platform.messaging;

import io.quarkus.arc.Unremovable;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Headers;

/**
 * The deserialization failure handler of every incoming channel ({@code key-deserialization-failure-handler} and
 * {@code value-deserialization-failure-handler} = {@value #IDENTIFIER}). It exists because without a handler, SmallRye
 * (4.33, {@code fail-on-deserialization-failure=false}) reports every deserialization failure to the channel's health,
 * and one reported failure turns liveness DOWN for good: a single record that is not UTF-8 would get the pod restarted
 * forever. With it, the failed key or value is delivered as null, and SmallRye adds the
 * {@code deserialization-failure-*} headers (reason, cause, and the original bytes in
 * {@code deserialization-failure-data}); the service's consumer then dead-letters the record with that reason
 * ({@link StrictUtf8#deserializationFailure}).
 */
@ApplicationScoped
@Identifier(StrictUtf8FailureHandler.IDENTIFIER)
@Unremovable
public class StrictUtf8FailureHandler implements DeserializationFailureHandler<String> {

    /** The {@code @Identifier} the channels name. */
    public static final String IDENTIFIER = "strict-utf8";

    /**
     * @return null: the record is delivered with a null key or value, and its failure headers say why
     */
    @Override
    public String handleDeserializationFailure(String topic, boolean isKey, String deserializer, byte[] data,
                                               Exception exception, Headers headers) {
        return null;
    }
}
