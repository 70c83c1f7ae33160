"""The routes table: which endpoint answers each request, and whether it needs the bearer token."""

from __future__ import annotations

import re
from collections.abc import Callable

from .assignments import AssignmentsMixin
from .course import CourseMixin
from .files import FilesMixin
from .folders import FoldersMixin
from .pages import PagesMixin
from .uploads import UploadsMixin

# (method, route name, pattern, endpoint, needs the bearer token)
ROUTES: list[tuple[str, str, re.Pattern, Callable, bool]] = [
    ("GET", "course", re.compile(r"/api/v1/courses/(?P<course>\d+)"), CourseMixin.get_course, True),
    ("GET", "folder_by_path", re.compile(r"/api/v1/courses/(?P<course>\d+)/folders/by_path(?:/(?P<path>.*))?"),
     FoldersMixin.resolve_path, True),
    ("POST", "create_folder", re.compile(r"/api/v1/courses/(?P<course>\d+)/folders"), FoldersMixin.create_folder, True),
    ("GET", "get_folder", re.compile(r"/api/v1/folders/(?P<folder>\d+)"), FoldersMixin.get_folder, True),
    ("PUT", "update_folder", re.compile(r"/api/v1/folders/(?P<folder>\d+)"), FoldersMixin.update_folder, True),
    ("GET", "folder_files", re.compile(r"/api/v1/folders/(?P<folder>\d+)/files"), FilesMixin.list_files, True),
    ("POST", "upload_start", re.compile(r"/api/v1/folders/(?P<folder>\d+)/files"),
     UploadsMixin.start_upload_in_folder, True),
    ("POST", "course_upload_start", re.compile(r"/api/v1/courses/(?P<course>\d+)/files"),
     UploadsMixin.start_upload_in_course, True),
    ("POST", "upload_data", re.compile(r"/files_api/upload/(?P<upload>[\w-]+)"), UploadsMixin.receive_upload, False),
    ("GET", "create_success", re.compile(r"/api/v1/files/(?P<file>\d+)/create_success"),
     UploadsMixin.create_success, False),
    ("POST", "create_success", re.compile(r"/api/v1/files/(?P<file>\d+)/create_success"),
     UploadsMixin.create_success, False),
    ("GET", "get_file", re.compile(r"/api/v1/files/(?P<file>\d+)"), FilesMixin.get_file, True),
    ("PUT", "update_file", re.compile(r"/api/v1/files/(?P<file>\d+)"), FilesMixin.update_file, True),
    ("DELETE", "delete_file", re.compile(r"/api/v1/files/(?P<file>\d+)"), FilesMixin.delete_file, True),
    ("GET", "download", re.compile(r"(?:/courses/\d+)?/files/(?P<file>\d+)/download"), FilesMixin.download, False),
    ("GET", "get_assignment", re.compile(r"/api/v1/courses/(?P<course>\d+)/assignments/(?P<assignment>\d+)"),
     AssignmentsMixin.get_assignment, True),
    ("GET", "list_overrides",
     re.compile(r"/api/v1/courses/(?P<course>\d+)/assignments/(?P<assignment>\d+)/overrides"),
     AssignmentsMixin.list_overrides, True),
    ("GET", "get_page", re.compile(r"/api/v1/courses/(?P<course>\d+)/pages/(?P<page>[^/]+)"), PagesMixin.get_page, True),
    ("PUT", "update_page", re.compile(r"/api/v1/courses/(?P<course>\d+)/pages/(?P<page>[^/]+)"),
     PagesMixin.update_page, True),
    ("POST", "create_page", re.compile(r"/api/v1/courses/(?P<course>\d+)/pages"), PagesMixin.create_page, True),
]
ROUTE_NAMES = {name for _, name, _, _, _ in ROUTES}


def _route(method: str, path: str):
    for route_method, name, pattern, endpoint, needs_token in ROUTES:
        if route_method == method:
            match = pattern.fullmatch(path)
            if match:
                return name, match, endpoint, needs_token
    return None, None, None, True
