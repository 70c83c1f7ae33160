"""A small Canvas-like HTTP server for the publish tests, following Canvas's documented API.

It implements only what publishing uses (Courses, Folders, Files and Pages APIs, the three-step
file upload), with Canvas's rules for what a student may open, so a test can ask after every request:
could a student have opened the key at the server's current time? Faults (error statuses in
Canvas's shapes, rate limiting, dropped connections) are queued per route.

Student access follows Canvas: an item is open when it is not ``locked`` (unpublished), its
``unlock_at`` is empty or past and its ``lock_at`` empty or future, and every folder above it is
open by the same rule. ``hidden`` only keeps an item out of listings and protects nothing.
New files, and folders made by an upload's or a folder's ``parent_folder_path``, start open.

Legacy verifiers, as Canvas's own code has them: ``GET /api/v1/files/:id`` answers a file's
``uuid`` to anyone in the course who may read it, locked or not (lib/api/v1/attachment.rb,
attachment_json), and ``/files/:id/download?verifier=<uuid>`` sends the file past every lock
(app/models/attachments/verification.rb: ``return true if verifier == attachment.uuid``, checked
in FilesController#show before any lock); a deleted file answers 404. So while
``legacy_verifiers`` is on (the default; off models ``disable_file_verifier_access``), the audit
counts every uploaded file as open to students, whatever its locks say.

Canvas's clock: every answer carries a ``Date`` header from the server's clock, which a test
sets, independently of this machine's.

Assignments (AssignmentsApiController#show, lib/api/v1/assignment.rb): ``include[]=overrides``
adds the active overrides (teachers only); ``all_dates=true`` (a plain parameter of show, not an
``include[]``) adds ``all_dates`` while there are fewer than 25 active overrides, and
``all_dates_count`` from 25 on. An override's JSON has ``due_at``/``lock_at`` only when it
overrides them (lib/api/v1/assignment_override.rb). ``GET .../overrides`` is paginated here with
Link headers (Api.paginate's shape), a superset of Canvas versions that answer it in one page.

Pages follow Canvas's WikiPage: a student sees a page only when it is published. A future
``publish_at`` (with the root account's Scheduled Page Publication feature, on by default here)
unpublishes the page and publishes it at that time; a past one publishes it at once; an
explicit change of ``published`` clears ``publish_at``. With the feature off, ``publish_at`` is
stored and does nothing. Pages a student can see appear in the audit as ``pages/<url>``.

The parts: ``server`` (FakeCanvas: state, lifecycle, faults, clock) with one mixin per API
(``course``, ``folders``, ``files``, ``uploads``, ``assignments``, ``pages``), ``routes`` and
``handler`` (HTTP), ``store`` and ``values`` (shared shapes), ``faults``, and ``targets`` (what
the publish tests publish).
"""

from .faults import (
    Fault,
    canvas_error,
    dropped,
    invalid_token,
    quota_exceeded,
    rate_limited_403,
    too_many_requests,
)
from .server import FakeCanvas
from .store import NOT_FOUND
from .targets import NOW, PAGE_BODY, key_target, term_of

__all__ = [
    "NOT_FOUND", "NOW", "PAGE_BODY", "FakeCanvas", "Fault", "canvas_error", "dropped", "invalid_token", "key_target",
    "quota_exceeded", "rate_limited_403", "term_of", "too_many_requests",
]
