# Records what ansible-playbook reports, for AnsibleDifferentialIT: one JSON line per task result
# (task name, host, ok/changed/failed/ignored/skipped/unreachable, a debug task's msg) and one per host for the PLAY
# RECAP counts, into the file named by $RIGGER_RECORD. Loop items are left out: the task's own
# result is what the recap counts.
import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'rigger_record'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._out = open(os.environ['RIGGER_RECORD'], 'w')

    def _write(self, record):
        self._out.write(json.dumps(record) + '\n')
        self._out.flush()

    def _result(self, result, status):
        record = {'task': result._task.get_name(), 'host': result._host.get_name(), 'status': status}
        # A debug task's message is its whole outcome: compared as compact JSON.
        if result._task.action in ('debug', 'ansible.builtin.debug') and 'msg' in result._result:
            record['msg'] = json.dumps(result._result['msg'], separators=(',', ':'), ensure_ascii=False)
        self._write(record)

    def v2_runner_on_ok(self, result):
        self._result(result, 'changed' if result._result.get('changed', False) else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._result(result, 'ignored' if ignore_errors else 'failed')

    def v2_runner_on_skipped(self, result):
        self._result(result, 'skipped')

    def v2_runner_on_unreachable(self, result):
        self._result(result, 'unreachable')

    def v2_playbook_on_stats(self, stats):
        for host in sorted(stats.processed):
            self._write(dict(recap=host, **stats.summarize(host)))
