module brink/scenarios

go 1.19
