"""The lab's AWS emulator: moto's server process (server.py), golive's extensions of it (extensions.py) and
the seeds of SilentTalk's AWS shape, one module per area (seeds/). The component is
golive/lab/components/aws.py."""
