"""Fixtures the devnet tests share (pytest finds them here; a test file may override one).

- `dep`: the fixtures deployed on an in-process eth-tester chain, once per test module;
  `dep_snapshot`: each test of a module that asks for it starts from that same chain;
  `env_snapshot`: the same for a module's own `env` dict (with its "tester").
- `devnet`: the devnet served over HTTP as a subprocess, once per module; `rpc`, a client to it;
  `rpc_snapshot`: each test starts from the same chain (evm_snapshot / evm_revert).
"""

import pytest

from devnet import fixtures
from devnet.node_testing import DevnetProcess


@pytest.fixture(scope="module")
def dep():
    return fixtures.deploy_all(fixtures.make_tester())


@pytest.fixture
def dep_snapshot(dep):
    tester = dep.tokens["WETH"].tester
    snapshot = tester.take_snapshot()
    yield
    tester.revert_to_snapshot(snapshot)


@pytest.fixture
def env_snapshot(env):
    snapshot = env["tester"].take_snapshot()
    yield
    env["tester"].revert_to_snapshot(snapshot)


@pytest.fixture(scope="module")
def devnet():
    process = DevnetProcess()
    yield process
    assert process.stop() == 0


@pytest.fixture(scope="module")
def rpc(devnet):
    client = devnet.client()
    yield client
    client.close()


@pytest.fixture
def rpc_snapshot(rpc):
    snapshot = rpc.call("evm_snapshot")
    yield
    assert rpc.call("evm_revert", snapshot) is True
