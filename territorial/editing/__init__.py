"""Changing the programme, without storing anything: the editor role (passwords, login
throttle), the validation of an imported file or an edit, the three-way merge of two
editors' work and the difference between two versions. The store keeps what this decides."""
