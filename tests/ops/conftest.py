# The dossier suite's world (a center, an agency, staff, a published procedure) and its
# helpers that move dossiers through the real services.
from tests.dossiers.conftest import bring, receive, world  # noqa: F401
