package org.crosstenant.stack.infra;
/** Placeholder so the skeleton builds. */
final class Placeholder { private Placeholder() { } }
