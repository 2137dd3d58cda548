package org.crosstenant.gateway;

import java.time.Clock;

import org.crosstenant.gateway.config.GatewayConfig;
import org.crosstenant.gateway.service.FederatedTokenService;
import org.crosstenant.gateway.service.SigningKeys;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Builds the service outside CDI, with a test clock. */
final class FederatedTokenServiceAccess {

    private FederatedTokenServiceAccess() {
    }

    static FederatedTokenService create(GatewayConfig.FederatedToken config, SigningKeys keys, Clock clock) {
        return FederatedTokenService.forTests(config, keys, new ObjectMapper(), clock);
    }
}
