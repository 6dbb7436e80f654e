"""golive's pytest wiring: the plugin brings options, markers, the profile, fixtures and Allure labels."""

pytest_plugins = ["golive.plugin"]
