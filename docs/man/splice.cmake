# cmake -DTEMPLATE=... -DREFERENCE=... -DOUT=... -P splice.cmake
# Put the text of REFERENCE (brink help config) into TEMPLATE at the line
# @CONFIG_REFERENCE@, as a literal block, and write OUT.
file(READ ${TEMPLATE} template)
file(READ ${REFERENCE} reference)
string(REGEX REPLACE "\n$" "" reference "${reference}")
# scdoc reads "\X" as X, even in a literal block: double every backslash
string(REPLACE "\\" "\\\\" reference "${reference}")
string(REPLACE "@CONFIG_REFERENCE@" "```\n${reference}\n```" page "${template}")
file(WRITE ${OUT} "${page}")
