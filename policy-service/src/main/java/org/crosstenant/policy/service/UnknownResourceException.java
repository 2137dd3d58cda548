package org.crosstenant.policy.service;

/** The addressed resource does not exist (404). */
public class UnknownResourceException extends RuntimeException {
    public UnknownResourceException(String detail) {
        super(detail);
    }
}
