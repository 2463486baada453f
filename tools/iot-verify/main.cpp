#include "iot-verify/verify.hpp"

int main(int argc, char** argv) { return iot::verify::run(argc, argv); }
