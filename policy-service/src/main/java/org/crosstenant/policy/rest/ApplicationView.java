package org.crosstenant.policy.rest;

import org.crosstenant.policy.model.Application;

import java.time.Instant;

/** An application as the API shows it. */
public record ApplicationView(String tenant, String application, String upstreamUrl, String displayName,
                              boolean requireMfa, long version, Instant updatedAt, String updatedBy) {

    static ApplicationView of(Application app) {
        return new ApplicationView(app.tenant, app.appId, app.upstreamUrl, app.displayName, app.requireMfa, app.version,
                app.updatedAt, app.updatedBy);
    }
}
