"""The paths the recorder leaves alone follow the settings, as a test or a reload changes them."""

from signal_lens.recording.paths import is_ignored_path


def test_a_quiet_path_is_ignored_once_the_setting_names_it(settings):
    assert not is_ignored_path("/health/")
    settings.FEED_QUIET_PATHS = ["/health/"]
    assert is_ignored_path("/health/")


def test_static_files_follow_static_url(settings):
    settings.STATIC_URL = "/assets/"
    assert is_ignored_path("/assets/site.css")
