DROP TABLE read_all_marks;
