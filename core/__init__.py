"""The neutral core: what every part of Elvie shares and nothing of Elvie's own.

Logging with privacy filters (`logs`), stopping on a signal (`lifecycle`), the repository's paths
(`paths`), network address facts (`network`) and Pepper's stock animations (`animations`). The runtime
(`robot/`), the dialogue (`dialogue/`), the Qmatic integration (`integrations/`) and the virtual Pepper
(`simulator/`) may import it; it imports none of them (an import contract in `make test` checks this).
"""
