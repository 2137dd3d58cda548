package org.crosstenant.platform.config;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

import org.crosstenant.platform.model.StrictJsonInput;

/**
 * Makes the application's one {@link ObjectMapper} (REST bodies, Kafka payloads, Vert.x JSON) read strictly
 * ({@link StrictJsonInput}): every service that depends on this module refuses hostile JSON the same way.
 */
@Singleton
public class StrictJsonCustomizer implements ObjectMapperCustomizer {

    /**
     * @param mapper Quarkus's mapper, being built
     */
    @Override
    public void customize(ObjectMapper mapper) {
        StrictJsonInput.apply(mapper);
    }
}
