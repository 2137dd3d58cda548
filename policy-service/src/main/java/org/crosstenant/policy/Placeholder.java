package org.crosstenant.policy;
/** Placeholder so the skeleton builds; replaced by the module's real code. */
final class Placeholder { private Placeholder() { } }
