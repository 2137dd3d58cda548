package org.crosstenant.invitation;
/** Placeholder so the skeleton builds; replaced by the module's real code. */
final class Placeholder { private Placeholder() { } }
