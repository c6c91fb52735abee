/**
 * The guarantees of the README's table, tested on the public API as a user meets it: every public
 * method found by reflection and counted (bad arguments, special values, the implementation each
 * runs), the platforms a user can take (class path, module path, C2 off, virtual threads), calls from
 * many threads, and data past the int limits.
 */
package dev.jvk.properties.guarantees;
