"""The profile model: what a run checks, where, and against which thresholds."""

from golive.profile.base import NotApplicable, SecretRef, Section
from golive.profile.load import LoadedProfile, ProfileError, load_profile
from golive.profile.model import Profile

__all__ = ["LoadedProfile", "NotApplicable", "Profile", "ProfileError", "SecretRef", "Section", "load_profile"]
