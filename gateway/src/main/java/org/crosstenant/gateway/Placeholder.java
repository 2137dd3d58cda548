package org.crosstenant.gateway;
/** Placeholder so the skeleton builds; replaced by the module's real code. */
final class Placeholder { private Placeholder() { } }
