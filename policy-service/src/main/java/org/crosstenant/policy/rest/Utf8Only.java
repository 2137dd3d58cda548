package org.crosstenant.policy.rest;

import jakarta.ws.rs.ext.Provider;

import org.crosstenant.platform.rest.Utf8JsonBodies;

/**
 * Registers platform's {@link Utf8JsonBodies} for this service's JSON bodies: one declared in a charset other than
 * UTF-8 is 415 problem+json (RFC 8259 §8.1), rendered by this service's exception mapper.
 */
@Provider
public class Utf8Only extends Utf8JsonBodies {
}
