"""The socialvalue web application (Django): settings, URLs and one app per area."""
