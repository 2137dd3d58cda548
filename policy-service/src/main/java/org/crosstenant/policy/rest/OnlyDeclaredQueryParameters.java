package org.crosstenant.policy.rest;

import jakarta.ws.rs.ext.Provider;

import org.crosstenant.platform.rest.DeclaredQueryParameters;

/**
 * Registers platform's {@link DeclaredQueryParameters} for this service's endpoints: a query parameter an endpoint
 * does not read (names compared exactly, so also one in other letter case) or one given twice is 400 problem+json,
 * rendered by this service's exception mapper, before the endpoint runs.
 */
@Provider
public class OnlyDeclaredQueryParameters extends DeclaredQueryParameters {
}
