"""Pure rules: functions of a snapshot, the settings and `now`. No database, no Slack, no
clock reads, so they are tested by walking days with an injected instant."""
