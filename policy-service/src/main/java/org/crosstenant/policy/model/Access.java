package org.crosstenant.policy.model;

/** Whether a rule's targets are let in ({@code allowed}) or kept out ({@code blocked}). */
public enum Access {
    ALLOWED, BLOCKED;

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
