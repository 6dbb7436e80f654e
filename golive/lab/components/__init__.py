"""Lab components, one module each; every module defines COMPONENT."""
