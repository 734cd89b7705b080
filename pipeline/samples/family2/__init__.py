"""Sample family 2 (`jiebang samples OUT --family 2`): booklets written from other calls' published
templates (wording, label order, table shapes, tick rows, units, date forms differ from family 1),
so a measurement on them is not a measurement of our own template. Entry: `bundle.generate_bundle`."""
