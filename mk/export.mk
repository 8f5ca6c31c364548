# SPDX-License-Identifier: GPL-2.0
# export: traces in other tools' formats (Perfetto protobuf, SQLite tables).
LIB_DIRS += export
